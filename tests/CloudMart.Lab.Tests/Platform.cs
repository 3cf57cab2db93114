// The local run is built on Linux processes, signals and /proc; so are its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
