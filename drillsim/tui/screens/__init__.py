"""Screens of the drill app, one per module."""
