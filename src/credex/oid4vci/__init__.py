"""OpenID for Verifiable Credential Issuance 1.0: the credential issuer of each credex issuer.

Each issuer is a Credential Issuer (identifier `<base_url>/issuers/<id>`) sharing one
authorization server (`credex.oauth`). Every published achievement is offered in several
configurations ("forms"), each a rendering of the one stored credential (`formats.py`).
"""
