"""The audit log: who issued or changed which credential, when and why."""
