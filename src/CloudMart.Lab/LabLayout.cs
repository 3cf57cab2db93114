using System.Security.Cryptography;
using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>
/// Where things are for a local run: the repository (sources, build output, the gateway's
/// nginx.conf) and the state folder the run writes to (logs, data, nginx's files, the signing key).
/// </summary>
public sealed class LabLayout
{
    /// <summary>The state folder's name under the repository root, ignored by git.</summary>
    public const string DefaultStateFolder = ".cloudmart";

    public const string RunFileName = "run.json";

    public const string LogsFolderName = "logs";

    /// <summary>A file naming the component <c>cloudmart restart</c> asks the run's <c>up</c> to restart.</summary>
    public const string RestartRequestName = "restart.request";

    public LabLayout(string repositoryRoot, string? stateDirectory = null, string? dataDirectory = null)
    {
        Repository = new LabRepository(repositoryRoot);
        StateDirectory = Path.GetFullPath(stateDirectory ?? Path.Combine(RepositoryRoot, DefaultStateFolder));
        DataDirectory = Path.GetFullPath(dataDirectory ?? Path.Combine(StateDirectory, "data"));
    }

    public LabRepository Repository { get; }

    public string RepositoryRoot => Repository.Root;

    public string StateDirectory { get; }

    /// <summary>database-service's DATA_DIR: the SQLite file lives here.</summary>
    public string DataDirectory { get; }

    public string LogsDirectory => Path.Combine(StateDirectory, LogsFolderName);

    /// <summary>The logs of the run before this one, kept for a look at what happened last time.</summary>
    public string PreviousLogsDirectory => Path.Combine(StateDirectory, LogsFolderName + ".previous");

    /// <summary>nginx's prefix: the rendered nginx.conf, its pid file and temporary folders.</summary>
    public string NginxDirectory => Path.Combine(StateDirectory, "nginx");

    public string SigningKeyFile => Path.Combine(StateDirectory, "jwt-signing-key");

    /// <summary>What is running now (pids, ports, logs), so a later command can find it or clean up after a crash.</summary>
    public string RunFile => Path.Combine(StateDirectory, RunFileName);

    public string RestartRequestFile => Path.Combine(StateDirectory, RestartRequestName);

    public string ServicesDirectory => Repository.LabDir;

    public string ServiceDirectory(string component) => Repository.ServiceDir(component);

    /// <summary>The gateway's nginx.conf, exactly as the cluster gets it.</summary>
    public string GatewayConfigSource => Repository.GatewayNginxConf;

    public string LogFile(string component) => Path.Combine(LogsDirectory, component + ".log");

    /// <summary>Moves the last run's logs to <see cref="PreviousLogsDirectory"/> (replacing the ones before), so a new run starts with empty logs.</summary>
    public void KeepPreviousLogs()
    {
        if (!Directory.Exists(LogsDirectory) || !Directory.EnumerateFiles(LogsDirectory, "*.log").Any())
        {
            return;
        }
        if (Directory.Exists(PreviousLogsDirectory))
        {
            Directory.Delete(PreviousLogsDirectory, recursive: true);
        }
        Directory.Move(LogsDirectory, PreviousLogsDirectory);
    }

    /// <summary>
    /// The auth-service's signing key: made once and kept in the state folder, so tokens issued
    /// before a restart stay valid after it.
    /// </summary>
    public string EnsureSigningKey()
    {
        if (File.Exists(SigningKeyFile) && File.ReadAllText(SigningKeyFile).Trim() is { Length: >= 32 } existing)
        {
            // A key file from an older run may have been written with the umask's mode.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(SigningKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            return existing;
        }
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(StateDirectory);
        }
        else
        {
            Directory.CreateDirectory(StateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(SigningKeyFile, System.Text.Encoding.ASCII, options))
        {
            writer.Write(key);
        }
        return key;
    }
}
