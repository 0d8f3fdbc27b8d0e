// A self-signed certificate for 127.0.0.1/localhost (valid until 2126), used by the embedded
// API server. kubectl sends bearer tokens only over TLS, so the server speaks HTTPS; the
// key is public on purpose: this server is for local development and tests only.

export const DEV_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIB/TCCAaKgAwIBAgIUL6WUW/a0cqXFb2x/+DyYncYwmc0wCgYIKoZIzj0EAwIw
KDEmMCQGA1UEAwwdd3JhbmdsZXItZnJlZS1sb2NhbC1hcGlzZXJ2ZXIwIBcNMjYx
MTI3MTIzNjAyWhgPMjEyNjExMDMxMjM2MDJaMCgxJjAkBgNVBAMMHXdyYW5nbGVy
LWZyZWUtbG9jYWwtYXBpc2VydmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
9wnpUmoOj+METbisRrngpcGXpstEIOuuyc25zCDvVQD4WijVSOYd/Ysu+er8oMr8
0klOEnn/IuQS3/JkdDFwgqOBpzCBpDAdBgNVHQ4EFgQU5Ft4fzJ+u6sExKD6Sw0c
sMbAae8wHwYDVR0jBBgwFoAU5Ft4fzJ+u6sExKD6Sw0csMbAae8wLAYDVR0RBCUw
I4cEfwAAAYcQAAAAAAAAAAAAAAAAAAAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQF
MAMBAf8wDgYDVR0PAQH/BAQDAgKEMBMGA1UdJQQMMAoGCCsGAQUFBwMBMAoGCCqG
SM49BAMCA0kAMEYCIQCvjwGuafGXOrc8YiZFE6wxAm5/2qNYDH6/yVbbzkmiIAIh
AN+pbjk0lVdReJqcUaTTlbBkQysZ5+3qiXIUptSHIQPS
-----END CERTIFICATE-----
`;

export const DEV_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgWgrGOPt8cGhxrzw4
n4fV728EbbAD55Xf7Iy3pk87tgShRANCAAT3CelSag6P4wRNuKxGueClwZemy0Qg
667JzbnMIO9VAPhaKNVI5h39iy756vygyvzSSU4Sef8i5BLf8mR0MXCC
-----END PRIVATE KEY-----
`;
