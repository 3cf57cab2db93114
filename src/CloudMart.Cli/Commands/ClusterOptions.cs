using System.CommandLine.Parsing;
using CloudMart.Cluster;

namespace CloudMart.Cli.Commands;

/// <summary>
/// The options of every verb that talks to a cluster (as dotnet-trace's CommonOptions): <c>--cluster</c>,
/// <c>--kubeconfig</c>, <c>--context</c>, <c>--namespace</c>. One rule for all verbs: giving any of
/// the last three means <c>--cluster</c>.
/// </summary>
public sealed class ClusterOptions
{
    public ClusterOptions(string clusterDescription)
    {
        Cluster = new Option<bool>("--cluster") { Description = clusterDescription };
    }

    public Option<bool> Cluster { get; }

    public Option<string?> Kubeconfig { get; } = new("--kubeconfig")
    {
        Description = "The kubeconfig file [default: the files KUBECONFIG lists, else ~/.kube/config, else the pod's service account]; implies --cluster",
        HelpName = "file",
    };

    public Option<string?> Context { get; } = new("--context")
    {
        Description = "The kubeconfig context to use [default: its current context]; implies --cluster",
        HelpName = "name",
    };

    public Option<string?> Namespace { get; } = new("--namespace", "-n")
    {
        Description = $"The namespace of the lab [default: {ServiceCatalog.Namespace}]; implies --cluster",
        HelpName = "name",
    };

    public IEnumerable<Option> All => [Cluster, Kubeconfig, Context, Namespace];

    /// <summary>The cluster option that was given other than <c>--cluster</c> itself, or null.</summary>
    public string? ImplyingOption(CommandResult result) =>
        new Option[] { Kubeconfig, Context, Namespace }.FirstOrDefault(o => result.GetResult(o) is { Implicit: false })?.Name;

    /// <summary>Whether the verb is to talk to a cluster: <c>--cluster</c>, or any other cluster option.</summary>
    public bool Wanted(CommandResult result) => result.GetValue(Cluster) || ImplyingOption(result) is not null;

    /// <summary>Adds the errors of malformed values: a namespace that is no DNS label, a kubeconfig that is no file.</summary>
    public void Validate(CommandResult result)
    {
        if (result.TryGet(Namespace, out var ns) && ns is not null && !IsDnsLabel(ns))
        {
            result.AddError($"--namespace '{ns}' is not a Kubernetes namespace name (lower-case letters, digits and '-', at most 63).");
        }
        if (result.TryGet(Context, out var context) && context is { Length: 0 })
        {
            result.AddError("--context must name a kubeconfig context, and '' is empty.");
        }
        if (result.TryGet(Kubeconfig, out var file) && file is not null && (file.Length == 0 || Directory.Exists(file)))
        {
            result.AddError($"--kubeconfig must be a file, and '{file}' is {(file.Length == 0 ? "empty" : "a folder")}.");
        }
    }

    /// <summary>The cluster the options point at, with a relative kubeconfig path made absolute against <paramref name="workingDirectory"/>.</summary>
    public ClusterTarget Target(ParseResult parse, string workingDirectory) => new(
        parse.GetValue(Kubeconfig) is { } file ? Path.GetFullPath(file, workingDirectory) : null,
        parse.GetValue(Context),
        parse.GetValue(Namespace) ?? ServiceCatalog.Namespace);

    static bool IsDnsLabel(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-';
}
