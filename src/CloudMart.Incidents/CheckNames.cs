namespace CloudMart.Incidents;

/// <summary>The checks' names, shared by the static and the live diagnosis.</summary>
public static class CheckNames
{
    public const string Inventory = "inventory";
    public const string Selectors = "selectors";
    public const string Probes = "probes";
    public const string Urls = "urls";
    public const string Variables = "variables";
    public const string Images = "images";
    public const string Memory = "memory";
    public const string Cpu = "cpu";
    public const string Chaos = "chaos";
    public const string Retry = "retry";
    public const string Shutdown = "shutdown";
    public const string Storage = "storage";
    public const string Network = "network";
    public const string Hardening = "hardening";
    public const string Pods = "pods";
    public const string Endpoints = "endpoints";
    public const string Logs = "logs";
}
