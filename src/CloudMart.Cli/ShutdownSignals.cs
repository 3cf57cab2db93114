using System.Runtime.InteropServices;

namespace CloudMart.Cli;

/// <summary>
/// Turns SIGINT (Ctrl-C), SIGTERM, SIGQUIT and SIGHUP (the terminal closing) into a cancellation,
/// instead of letting the runtime end the process, so a verb can stop what it started first.
/// </summary>
public sealed class ShutdownSignals : IDisposable
{
    readonly CancellationTokenSource _stop;
    readonly List<PosixSignalRegistration> _registrations = [];

    ShutdownSignals(CancellationToken outer)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                Signal ??= context.Signal;
                _stop.Cancel();
            }));
        }
    }

    public static ShutdownSignals Listen(CancellationToken outer) => new(outer);

    public CancellationToken Token => _stop.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _stop.Dispose();
    }
}
