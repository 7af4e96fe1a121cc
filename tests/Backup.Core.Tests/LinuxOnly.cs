// The tests run where the library runs in production and CI: Linux (modes, symbolic links, FIFOs).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
