"""People who work in the consoles: accounts, roles per issuer, browser sessions."""
