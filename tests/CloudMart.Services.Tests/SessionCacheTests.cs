using CloudMart.AuthService.Sessions;

namespace CloudMart.Services.Tests;

public sealed class SessionCacheTests : IDisposable
{
    static readonly DateTimeOffset Now = new(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);

    readonly SessionCache _cache = new(capacity: 3, entryBytes: 64);

    void Add(string key, DateTimeOffset? expiresAt = null) => _cache.Add(key, "subject-" + key, guest: false, expiresAt ?? Now.AddHours(1));

    void AddInOrder(params string[] keys)
    {
        foreach (var key in keys)
        {
            Add(key);
        }
    }

    [Fact]
    public void It_never_holds_more_sessions_than_its_capacity()
    {
        for (var i = 0; i < 50; i++)
        {
            Add($"token-{i}");
            Assert.Equal(Math.Min(i + 1, 3), _cache.Count);
        }
        // Only the three most recent are left.
        Assert.NotNull(_cache.Find("token-49", Now));
        Assert.NotNull(_cache.Find("token-47", Now));
        Assert.Null(_cache.Find("token-46", Now));
    }

    [Fact]
    public void When_full_it_evicts_the_least_recently_used_session()
    {
        AddInOrder("a", "b", "c", "d");

        Assert.Null(_cache.Find("a", Now));
        Assert.Equal("subject-b", _cache.Find("b", Now)?.Subject);
        Assert.Equal("subject-c", _cache.Find("c", Now)?.Subject);
        Assert.Equal("subject-d", _cache.Find("d", Now)?.Subject);
    }

    [Fact]
    public void Finding_a_session_makes_it_the_most_recently_used()
    {
        AddInOrder("a", "b", "c");
        Assert.NotNull(_cache.Find("a", Now));

        Add("d");

        Assert.NotNull(_cache.Find("a", Now));
        Assert.Null(_cache.Find("b", Now));
    }

    [Fact]
    public void Adding_a_key_again_refreshes_it_instead_of_holding_it_twice()
    {
        AddInOrder("a", "b", "c", "a");
        Assert.Equal(3, _cache.Count);

        Add("d");

        Assert.NotNull(_cache.Find("a", Now));
        Assert.Null(_cache.Find("b", Now));
    }

    [Fact]
    public void An_expired_session_is_not_returned()
    {
        Add("old", expiresAt: Now.AddSeconds(-1));
        Add("edge", expiresAt: Now);
        Add("fresh", expiresAt: Now.AddSeconds(1));

        Assert.Null(_cache.Find("old", Now));
        Assert.Null(_cache.Find("edge", Now));
        Assert.NotNull(_cache.Find("fresh", Now));
    }

    [Fact]
    public void A_guest_session_without_expiry_is_returned()
    {
        _cache.Add("guest-1", "guest", guest: true, expiresAt: null);
        var session = _cache.Find("guest-1", Now.AddYears(1));
        Assert.NotNull(session);
        Assert.True(session.Guest);
    }

    [Fact]
    public void A_disposed_cache_refuses_new_sessions()
    {
        Add("a");
        _cache.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Add("b"));
    }

    public void Dispose() => _cache.Dispose();
}
