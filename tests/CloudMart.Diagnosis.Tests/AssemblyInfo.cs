// The tests run bash (the build script's --list-images) and copy Unix file modes: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
