// A public key for pages opened where the demo's API does not answer (a host
// name other than localhost): the library is asked to import it so that the
// page can show the library's own verdict on this origin. It encrypts nothing
// that is sent anywhere, and its private half was never kept.
export const SAMPLE_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAolNrTt3NhE3OrFDqbGuXAO1PaeK0gGKsY5jFNR3ob9OAFszxl/7QHArtyfrN2UMgmUzrcigBRFkbZ6+3ajl5sN/5pJba13LXVgcziuqjP0XwKJEJvuBLIebUWyRW8FAfmPEd7uvuAtIsMKeusMvmVNHwSQAancUeh8fl6aN9IuVF2l5nH8GhFjmN0Txt7uQxMzjzOxPF1JTK3Kns/vc1CV/vrRnU0wihPDWmhRW/Ms7louc4lLPwa0M2dtOgIy/j1J+5Ze72yOD1+gOq9/AO+PRYWKxBbcE45275TV9E4dE2xmmbZbcaqDSSYfAElnE9NC03//6XFVfwWYPgpkFFyQIDAQAB'
