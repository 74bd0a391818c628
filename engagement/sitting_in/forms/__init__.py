"""forms of sitting in, one module per part: people, invitations, applications."""
