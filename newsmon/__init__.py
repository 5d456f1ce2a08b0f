"""newsmon: news monitoring for the Chinese AI industry."""

__version__ = "0.1.0"
