"""Directory sync by SCIM 2.0: the company's identity provider adds, changes and deactivates
people and keeps groups as teams and roles."""
