using CloudMart.Catalog;
using CloudMart.Lab;

namespace CloudMart.Testing;

/// <summary>
/// CloudMart started as <c>cloudmart up --fault N ...</c> starts it (through <see cref="LocalRun"/>
/// with a <see cref="LabFaultSelection"/>), on free ports in a scratch folder. Stopped on dispose.
/// </summary>
public sealed class FaultRun : IAsyncDisposable
{
    readonly string _state;

    FaultRun(RunningLab lab, string state)
    {
        Lab = lab;
        _state = state;
    }

    public RunningLab Lab { get; }

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(40) };

    public static async Task<FaultRun> StartAsync(params string[] faults)
    {
        var selection = LabFaultSelection.Parse(faults, out var problem);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(faults));
        }
        var state = Directory.CreateTempSubdirectory("cloudmart-fault-").FullName;
        var lab = await LocalSystem.StartRunAsync(state, LocalSystem.Offsets(20_000, 20, 500, 400), faults: selection);
        return new FaultRun(lab, state);
    }

    /// <summary>The lines of a component's log so far.</summary>
    public IReadOnlyList<string> Log(ServiceSpec service)
    {
        using var stream = new FileStream(Lab[service.Name].LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        await Lab.StopAsync();
        Http.Dispose();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
