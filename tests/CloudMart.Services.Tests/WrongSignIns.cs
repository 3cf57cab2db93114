namespace CloudMart.Services.Tests;

/// <summary>
/// Sign-ins that must fail: a wrong password, near misses of a right one, names that are no
/// account. The api-service's /api/token and the auth-service's /auth/token are checked against
/// the same cases, so the front door refuses what the auth-service refuses, with the same answer.
/// </summary>
public static class WrongSignIns
{
    static readonly DemoAccount Alice = DemoAccounts.Alice;
    static readonly DemoAccount Trainer = DemoAccounts.Trainer;

    static readonly (string Username, string Password)[] All =
    [
        (Alice.Username, "wrong-password"),
        // Another account's password, the right one in other case or with a trailing space.
        (Alice.Username, DemoAccounts.Bob.Password),
        (Alice.Username, Alice.Password.ToUpperInvariant()),
        (Alice.Username, Alice.Password + " "),
        // Usernames are matched exactly.
        ("Alice", Alice.Password),
        ("nobody", Alice.Password),
        (Trainer.Username, Trainer.Username),
        // A role is not an account.
        (DemoAccounts.AdminRole, DemoAccounts.AdminRole),
        (DemoAccounts.AdminRole, Trainer.Password),
    ];

    public static TheoryData<string, string> Cases() => TheoryTables.From(All);
}
