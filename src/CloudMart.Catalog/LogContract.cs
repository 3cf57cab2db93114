namespace CloudMart.Catalog;

/// <summary>
/// The event names the services log with (<c>[LoggerMessage(EventName = ...)]</c>), which the JSON
/// line carries in its <c>event</c> field and the tools look for. Each value is the constant's own
/// name, so the two cannot drift apart.
/// </summary>
public static class LogEvents
{
    // api-service
    public const string OrderAccepted = nameof(OrderAccepted);
    public const string OrderFailed = nameof(OrderFailed);

    // order-service
    public const string OrderCreated = nameof(OrderCreated);
    public const string OrderNotStored = nameof(OrderNotStored);
    public const string NotificationFailed = nameof(NotificationFailed);
    public const string RetryingDependency = nameof(RetryingDependency);
    public const string RetryPolicyImmediate = nameof(RetryPolicyImmediate);
    public const string RetryPolicyBackoff = nameof(RetryPolicyBackoff);

    // auth-service
    public const string EphemeralSigningKey = nameof(EphemeralSigningKey);
    public const string GuestSession = nameof(GuestSession);
    public const string TokenValid = nameof(TokenValid);
    public const string TokenRefused = nameof(TokenRefused);
    public const string TokenIssued = nameof(TokenIssued);
    public const string SignInFailed = nameof(SignInFailed);

    // database-service
    public const string OrderStored = nameof(OrderStored);
    public const string OrderStoreConflict = nameof(OrderStoreConflict);
    public const string ChaosInjectedFailure = nameof(ChaosInjectedFailure);
    public const string WriteTurnedAway = nameof(WriteTurnedAway);
    public const string WalCheckpoint = nameof(WalCheckpoint);
    public const string WalCheckpointFailed = nameof(WalCheckpointFailed);

    // notification-service
    public const string NotificationRecorded = nameof(NotificationRecorded);
    public const string WebhookFailed = nameof(WebhookFailed);

    // every service's dependency client
    public const string DependencyCallFailed = nameof(DependencyCallFailed);

    /// <summary>A dependency answered 4xx: what our caller sent was refused, so it is a warning, not an error.</summary>
    public const string DependencyCallRefused = nameof(DependencyCallRefused);
}

/// <summary>The top-level fields of a service's JSON log line.</summary>
public static class LogFields
{
    public const string Timestamp = "timestamp";
    public const string Level = "level";
    public const string Service = "service";
    public const string TraceId = "trace_id";
    public const string SpanId = "span_id";
    public const string Message = "message";
    public const string Category = "category";
    public const string Event = "event";
    public const string Attributes = "attributes";
    public const string Exception = "exception";

    /// <summary>The gateway's access lines: the HTTP status of the answer.</summary>
    public const string Status = "status";
}

/// <summary>
/// The names inside a line's <c>attributes</c> object that the tools read. A log call's attributes
/// are its message template's placeholders, so these match the templates' names.
/// </summary>
public static class LogAttributes
{
    // The fatal line of a service that refuses to start.
    public const string Variable = "variable";
    public const string Value = "value";
    public const string Expected = "expected";

    // DependencyCallFailed.
    public const string Dependency = "Dependency";
    public const string Method = "Method";
    public const string Url = "Url";
    public const string Error = "Error";
}

/// <summary>The values of the <c>level</c> field.</summary>
public static class LogLevels
{
    public const string Trace = "trace";
    public const string Debug = "debug";
    public const string Info = "info";
    public const string Warn = "warn";
    public const string Error = "error";
    public const string Fatal = "fatal";
    public const string None = "none";
}
