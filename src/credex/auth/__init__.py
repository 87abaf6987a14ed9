"""Bearer-token authentication with roles admin, issuer and learner."""
