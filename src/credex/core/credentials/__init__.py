"""Open Badges 3.0 credentials: typed models, builders, JSON Schema check, recipient identity.

Import from the submodules: `ob3` (models, `parse_open_badge_credential`), `builders`, `schema`,
`identity` and `vocab` (enumerations and identity strings). Kept empty so that importing one of
them (e.g. `lexical`) does not build every pydantic model.
"""
