namespace CloudMart.Observability.Tests;

/// <summary>What every live fixture here holds beside the local system: the Prometheus that watches it, stopped first.</summary>
public abstract class LiveLab : LocalSystem
{
    public PrometheusServer Prometheus { get; protected set; } = null!;

    protected override async Task StoppingAsync()
    {
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }
    }
}
