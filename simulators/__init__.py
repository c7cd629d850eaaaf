"""Stand-ins for the outside world (storefront platforms), used by tests, the demo and
the benchmark. They speak the platforms' documented formats, byte for byte where it
matters (signatures over the raw body, header names, money as decimal strings).
"""
