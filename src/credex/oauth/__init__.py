"""One OAuth 2.0 authorization server: pre-authorized codes, authorization code + PKCE + PAR,
access tokens. Used by OpenID4VCI (`credex.oid4vci`) now; the OB 3.0 REST API may share it later.
"""
