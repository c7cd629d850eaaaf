"""Declarative mappings: how a connector's payloads become canonical events, as data.

`spec` is the file format (YAML, validated at load with file and line); `engine` applies
it to a payload with JMESPath for paths and small expressions, and Decimal arithmetic for
money; `xref` resolves other systems' product identifiers to SKUs.
"""
