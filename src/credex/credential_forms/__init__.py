"""Other forms of an issued credential: the one stored record rendered as SD-JWT VC types.

The OB 3.0 credential stored at issuance stays the record; a form is derived from it on demand,
carries the record's one status (through its Token Status List entry) and is signed with the
issuer's key. Entry point: `credex.credential_forms.sd_jwt_vc.render_sd_jwt_vc`.
"""
