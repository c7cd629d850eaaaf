"""Crossdock's services: one package each; they share only events and HTTP APIs."""
