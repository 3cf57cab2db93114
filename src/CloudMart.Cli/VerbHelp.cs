using System.Globalization;
using System.Text;

namespace CloudMart.Cli;

/// <summary>
/// Examples and exit codes for each verb's help (as git's and kubectl's help show them): the help
/// is where a user looks first, and the one place a script writer can check what a code means.
/// </summary>
public static class VerbHelp
{
    /// <summary>What each exit code means, in a few words; the help and docs/lab-tooling.md say the same.</summary>
    public static string Meaning(ExitCodes code) => code switch
    {
        ExitCodes.Success => "done as asked",
        ExitCodes.Error => "an unexpected error (the message says what)",
        ExitCodes.UsageError => "a bad command line: an unknown verb or option, or a bad value (the message names it)",
        ExitCodes.NginxMissing => "nginx is missing and could not be installed",
        ExitCodes.PortInUse => "a port the run needs is taken",
        ExitCodes.StartFailed => "a component did not start",
        ExitCodes.AlreadyRunning => "that run is already up",
        ExitCodes.NotRunning => "no run is up (or not the one named)",
        ExitCodes.NothingFound => "no log line has that trace id",
        ExitCodes.ProblemsFound => "problems found (with --grade: not every lab fault is fixed, or --verify failed)",
        ExitCodes.BadManifests => "the folder is missing, empty or does not parse",
        ExitCodes.ClusterUnreachable => "the cluster could not be read",
        ExitCodes.CriteriaMissed => "a criterion was missed: an order failed or took 2 s or more",
        ExitCodes.ChecksFailed => "at least one check failed",
        ExitCodes.TargetUnreachable => "there was nothing to check",
        ExitCodes.Interrupted => "interrupted with Ctrl-C",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    static readonly ExitCodes[] Common = [ExitCodes.Success, ExitCodes.UsageError];

    /// <summary>Each verb's examples and the exit codes it can return besides 0 and 2.</summary>
    public static readonly IReadOnlyDictionary<string, (string[] Examples, ExitCodes[] Codes)> Verbs = new Dictionary<string, (string[], ExitCodes[])>
    {
        ["up"] = (["cloudmart up", "cloudmart up -d --fresh", "cloudmart up --port-offset 50 --name second", "cloudmart up --observe"],
            [ExitCodes.Error, ExitCodes.NginxMissing, ExitCodes.PortInUse, ExitCodes.StartFailed, ExitCodes.AlreadyRunning, ExitCodes.Interrupted]),
        ["down"] = (["cloudmart down", "cloudmart down --name second"], []),
        ["restart"] = (["cloudmart restart order-service", "cloudmart restart gateway --name second"], [ExitCodes.StartFailed, ExitCodes.NotRunning]),
        ["status"] = (["cloudmart status", "cloudmart status -o json"], [ExitCodes.NotRunning]),
        ["logs"] = (["cloudmart logs", "cloudmart logs order-service database-service --since 5m", "cloudmart logs -f gateway", "cloudmart logs -o json | jq ."],
            [ExitCodes.NotRunning]),
        ["trace"] = (["cloudmart trace 4bf92f3577b34da6a3ce929d0e0e4736"], [ExitCodes.NothingFound]),
        ["load"] = (["cloudmart load", "cloudmart load --orders 200 --concurrency 8 --interval 0", "cloudmart load --duration 30s --rate 20 -o json"],
            [ExitCodes.CriteriaMissed, ExitCodes.Interrupted]),
        ["verify"] = (["cloudmart verify", "cloudmart verify --cluster --context k3d-cloudmart", "cloudmart verify -o json"],
            [ExitCodes.ChecksFailed, ExitCodes.TargetUnreachable, ExitCodes.Interrupted]),
        ["diagnose"] = (["cloudmart diagnose k8s/day-4/broken-production", "cloudmart diagnose k8s/day-4/broken-production --hint 1", "cloudmart diagnose --cluster --grade",
                "cloudmart diagnose --cluster --grade --seed 42 --verify -o json > report.json"],
            [ExitCodes.ProblemsFound, ExitCodes.BadManifests, ExitCodes.ClusterUnreachable]),
        ["lab"] = (["cloudmart lab faults", "cloudmart lab new --seed 42 --out incident-42", "cloudmart lab answers --seed 42"], []),
        ["lab faults"] = (["cloudmart lab faults", "cloudmart lab faults -o json | jq '.[].title'"], [ExitCodes.Error]),
        ["lab new"] = (["cloudmart lab new --out my-incident", "cloudmart lab new --seed 42 --faults 5 --out incident-42", "cloudmart lab new --fault 3 --fault 9 --out two-faults"], [ExitCodes.Error]),
        ["lab answers"] = (["cloudmart lab answers --seed 42", "cloudmart lab answers --seed 42 --faults 5 -o json"], [ExitCodes.Error]),
        ["lab summary"] = (["cloudmart lab summary reports/*.json"], [ExitCodes.Error]),
        ["lab sync"] = (["cloudmart lab sync"], [ExitCodes.Error]),
        ["completion"] = (["source <(cloudmart completion bash)", "cloudmart completion zsh > ~/.zfunc/_cloudmart"], []),
    };

    /// <summary>The exit codes a verb can return, in order.</summary>
    public static IEnumerable<ExitCodes> Codes(string verb) => Common.Concat(Verbs[verb].Codes).Distinct().Order();

    public static void Apply(RootCommand root)
    {
        foreach (var verb in root.Subcommands)
        {
            Apply(verb, verb.Name);
            foreach (var sub in verb.Subcommands)
            {
                Apply(sub, $"{verb.Name} {sub.Name}");
            }
        }
    }

    static void Apply(Command verb, string key)
    {
        var (examples, _) = Verbs[key];
        var text = new StringBuilder(verb.Description).AppendLine().AppendLine().AppendLine("Examples:");
        foreach (var example in examples)
        {
            text.Append("  ").AppendLine(example);
        }
        text.AppendLine().AppendLine("Exit codes:");
        foreach (var code in Codes(key))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {(int)code,3}  {Meaning(code)}").AppendLine();
        }
        verb.Description = text.ToString().TrimEnd();
    }
}
