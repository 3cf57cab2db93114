namespace CloudMart.Catalog;

/// <summary>A lab account: who may sign in at <c>POST /api/token</c>, with which password, in which role.</summary>
public sealed record DemoAccount(string Username, string Password, string Role);

/// <summary>
/// The accounts the auth-service knows in the lab. Their passwords are public on purpose: the
/// storefront, the traffic source and the learner sign in with them. The auth-service holds only
/// salted hashes of them (its <c>Users/demo-users.json</c>); a test checks that the two agree.
/// </summary>
public static class DemoAccounts
{
    public const string CustomerRole = "customer";

    /// <summary>May list every customer's orders.</summary>
    public const string AdminRole = "admin";

    /// <summary>How many regular customers the traffic source signs in as.</summary>
    public const int Regulars = 40;

    /// <summary>The one password of the traffic source's regulars (each hash has its own salt).</summary>
    public const string RegularPassword = "regular-shopper";

    public static DemoAccount Alice { get; } = new("alice", "alice-shops", CustomerRole);
    public static DemoAccount Bob { get; } = new("bob", "bob-shops", CustomerRole);
    public static DemoAccount Trainer { get; } = new("trainer", "trainer-sees-all", AdminRole);

    public static string RegularName(int number) =>
        $"customer-{number.ToString("00", System.Globalization.CultureInfo.InvariantCulture)}";

    public static IReadOnlyList<DemoAccount> All { get; } =
    [
        Alice, Bob, Trainer,
        .. Enumerable.Range(1, Regulars).Select(n => new DemoAccount(RegularName(n), RegularPassword, CustomerRole)),
    ];
}
