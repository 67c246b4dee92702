"""followshift: static live blogs for police follow shifts (volgdienst / megavolgdienst)."""

__version__ = "0.1.0"
