using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using k8s;

namespace CloudMart.Cluster;

/// <summary>
/// What <c>kubectl port-forward</c> does, through the API server's WebSocket port-forward
/// (<c>v4.channel.k8s.io</c>): listens on a free local port on 127.0.0.1 and relays each
/// connection made to it to one port of one pod, over a WebSocket of its own.
/// </summary>
/// <remarks>
/// In that protocol every binary message starts with a channel byte: 0 carries the data of the
/// first port, 1 its error text. The server starts each channel with the port number (two bytes,
/// little-endian), which is not part of the data. The client writes to channel 0 only.
/// </remarks>
public sealed class PodPortForward : IAsyncDisposable
{
    public const string SubProtocol = "v4.channel.k8s.io";

    readonly IKubernetes _client;
    readonly TcpListener _listener;
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentDictionary<Task, byte> _relays = new();
    readonly Task _accepting;

    PodPortForward(IKubernetes client, string @namespace, string pod, int port)
    {
        _client = client;
        Namespace = @namespace;
        Pod = pod;
        Port = port;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        LocalPort = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public string Namespace { get; }

    public string Pod { get; }

    /// <summary>The pod's port.</summary>
    public int Port { get; }

    public int LocalPort { get; }

    public Uri LocalUrl => new($"http://127.0.0.1:{LocalPort}");

    /// <summary>The last error the API server or the pod reported on a connection, if any.</summary>
    public string? LastError { get; private set; }

    public static PodPortForward Start(IKubernetes client, string @namespace, string pod, int port) => new(client, @namespace, pod, port);

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient connection;
            try
            {
                connection = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var relay = RelayAsync(connection);
            _relays.TryAdd(relay, 0);
            _ = relay.ContinueWith(done => _relays.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    async Task RelayAsync(TcpClient connection)
    {
        using (connection)
        {
            WebSocket socket;
            try
            {
                socket = await _client.WebSocketNamespacedPodPortForwardAsync(Pod, Namespace, [Port], SubProtocol, cancellationToken: _stop.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The local connection closes unanswered; the caller sees the request fail.
                LastError = $"the API server refused the port-forward to pod {Pod}: {ex.Message}";
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            using (socket)
            using (var relayStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                var stream = connection.GetStream();
                var up = ToPodAsync(stream, socket, relayStop.Token);
                var down = FromPodAsync(socket, stream, relayStop.Token);
                await Task.WhenAny(up, down);
                await relayStop.CancelAsync();
                try
                {
                    await Task.WhenAll(up, down);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or WebSocketException or SocketException or ObjectDisposedException)
                {
                }
                if (socket.State == WebSocketState.Open)
                {
                    try
                    {
                        using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, closing.Token);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
                    {
                    }
                }
            }
        }
    }

    /// <summary>Local bytes to the pod: each read becomes one message on channel 0.</summary>
    static async Task ToPodAsync(NetworkStream local, WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 + 16 * 1024];
        buffer[0] = 0;
        while (true)
        {
            var read = await local.ReadAsync(buffer.AsMemory(1), cancellationToken);
            if (read == 0)
            {
                return;
            }
            await socket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
    }

    /// <summary>The pod's bytes to the local connection; the error channel's text is kept.</summary>
    async Task FromPodAsync(WebSocket socket, NetworkStream local, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        // Each channel's first two bytes are the port number.
        var prefixLeft = new Dictionary<byte, int> { [0] = 2, [1] = 2 };
        var errors = new StringBuilder();
        var channel = (byte)0;
        var messageStart = true;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                var data = buffer.AsMemory(0, result.Count);
                if (messageStart && data.Length > 0)
                {
                    channel = data.Span[0];
                    data = data[1..];
                }
                messageStart = result.EndOfMessage;
                if (prefixLeft.TryGetValue(channel, out var left) && left > 0)
                {
                    var skip = Math.Min(left, data.Length);
                    prefixLeft[channel] = left - skip;
                    data = data[skip..];
                }
                if (data.IsEmpty)
                {
                    continue;
                }
                if (channel == 0)
                {
                    await local.WriteAsync(data, cancellationToken);
                }
                else if (errors.Length < 4096)
                {
                    errors.Append(Encoding.UTF8.GetString(data.Span));
                }
            }
        }
        finally
        {
            if (errors.Length > 0)
            {
                LastError = $"pod {Pod} port {Port}: {errors.ToString().Trim()}";
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        try
        {
            await Task.WhenAll(_relays.Keys).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or IOException or WebSocketException)
        {
        }
        _stop.Dispose();
    }
}
