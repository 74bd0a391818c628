"""Staff accounts: roles, sign-in, and the permissions each role carries."""
