"""ELM v3 (Europass) renderings of issued credentials: built from the credential's record,
signed by the issuer (EBSI "EDC-W3C": Data Integrity), sealed with an e-seal when the issuer has
one (JAdES), stored once made, downloadable by the issuer, the learner and, when public, anyone."""
