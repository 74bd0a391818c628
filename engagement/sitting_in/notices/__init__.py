"""What invitees and applicants are told: one module each (`invitations`, `applications`)."""
