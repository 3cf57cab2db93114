using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudMart.Lab;

/// <summary>One running component as written to run.json.</summary>
public sealed record RunRecordComponent(string Name, string Url, int Pid, long? StartTicks, string LogFile)
{
    /// <summary>The path that answers 200 when it is ready: the services' and gateway's <c>/health</c>, Prometheus's own.</summary>
    public string HealthPath { get; init; } = HealthProbe.Path;

    /// <summary>Whether its very process (same pid, same start time) still runs.</summary>
    [JsonIgnore]
    public bool IsAlive => StartTicks is { } ticks && ProcessInfo.IsAlive(Pid, ticks);
}

/// <summary>
/// The state folder's run.json: who runs the local system (the cloudmart process) and each
/// component's pid, address and log. Later commands read it to find the running system; a new
/// run reads it to stop what a crashed run left behind.
/// </summary>
public sealed record RunRecord(int OwnerPid, long? OwnerStartTicks, DateTimeOffset Started, IReadOnlyList<RunRecordComponent> Components)
{
    /// <summary>Every component answered /health: what <c>up -d</c> waits for.</summary>
    public bool Ready { get; init; }

    /// <summary>The programs <c>up --observe</c> runs beside the system (dashboard, Prometheus); empty without it.</summary>
    public IReadOnlyList<RunRecordComponent> Observers { get; init; } = [];

    public static RunRecord? Read(string file)
    {
        try
        {
            return File.Exists(file) ? JsonSerializer.Deserialize(File.ReadAllText(file), RunRecordJson.Default.RunRecord) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Write(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, RunRecordJson.Default.RunRecord));
        File.Move(temporary, file, overwrite: true);
    }

    public bool OwnerIsAlive => OwnerStartTicks is { } ticks && ProcessInfo.IsAlive(OwnerPid, ticks);

    /// <summary>The components whose very process (same pid, same start time) still runs.</summary>
    public IEnumerable<RunRecordComponent> Survivors =>
        Components.Concat(Observers).Where(c => c.IsAlive);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunRecord))]
internal sealed partial class RunRecordJson : JsonSerializerContext;
