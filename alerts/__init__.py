"""Alerts: which articles owe an alert (rules), what it says (render), how it is sent (channels)."""
