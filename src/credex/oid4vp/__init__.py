"""OpenID4VP 1.0 verifier: employers ask a wallet for a credential and read the report."""
