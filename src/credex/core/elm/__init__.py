"""European Learning Model (ELM v3.2) renderings of credex credentials.

`builder` turns the facts of one award into a `EuropeanDigitalCredential` (EDC application
profile), `vocab` holds the EU vocabulary IRIs it uses, `jades` seals the signed document with an
e-seal certificate (JAdES baseline-B). Pure: no web framework, no database.
"""
