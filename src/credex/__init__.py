"""credex: micro-credential issuing and verification (Open Badges 3.0 / VC 2.0)."""

__version__ = "0.1.0"
