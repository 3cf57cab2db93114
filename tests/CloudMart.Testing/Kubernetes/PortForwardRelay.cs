using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace CloudMart.Testing.Kubernetes;

/// <summary>
/// The API server's side of a v4.channel.k8s.io port-forward: announces the port on the data and
/// error channels, then relays channel 0 to and from a local TCP port standing in for the pod.
/// </summary>
static class PortForwardRelay
{
    public static async Task RunAsync(HttpContext context, int target, Action accepted)
    {
        if (!context.WebSockets.IsWebSocketRequest || !context.WebSockets.WebSocketRequestedProtocols.Contains("v4.channel.k8s.io"))
        {
            context.Response.StatusCode = 400;
            return;
        }
        accepted();
        var port = int.Parse(context.Request.Query["ports"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        using var socket = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
        var prefix = new[] { (byte)(port & 0xff), (byte)(port >> 8) };
        await socket.SendAsync(new byte[] { 0, prefix[0], prefix[1] }, WebSocketMessageType.Binary, true, context.RequestAborted);
        await socket.SendAsync(new byte[] { 1, prefix[0], prefix[1] }, WebSocketMessageType.Binary, true, context.RequestAborted);

        using var pod = new TcpClient();
        await pod.ConnectAsync(IPAddress.Loopback, target);
        var stream = pod.GetStream();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var toPod = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, stop.Token);
                if (result.MessageType == WebSocketMessageType.Close || result.Count == 0)
                {
                    return;
                }
                if (buffer[0] == 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(1, result.Count - 1), stop.Token);
                }
            }
        });
        var fromPod = Task.Run(async () =>
        {
            var buffer = new byte[1 + 16 * 1024];
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(1), stop.Token);
                if (read == 0)
                {
                    return;
                }
                await socket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, stop.Token);
            }
        });
        await Task.WhenAny(toPod, fromPod);
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(toPod, fromPod);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or WebSocketException)
        {
        }
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException)
            {
            }
        }
    }
}
