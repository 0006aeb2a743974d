"""Widgets of the drill screens, one per module."""
