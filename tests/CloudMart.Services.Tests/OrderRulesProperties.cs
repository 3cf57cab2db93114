using System.Globalization;
using System.Text;
using CloudMart.ServiceDefaults.Contracts;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CloudMart.Services.Tests;

/// <summary>
/// The order rules and the strict reader, checked over generated input rather than chosen examples:
/// what the rules accept is exactly the documented shape, and a body has one reading or none.
/// </summary>
public sealed class OrderRulesProperties
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Characters that must never reach a stored name.</summary>
    static readonly char[] Hidden = ['\0', '\t', '\r', '\n', '\u0085', '\u200B', '\u200C', '\u200D', '\u200E', '\u2028', '\u2029', '\u202A', '\u202E', '\u2066', '\u2069', '\uFEFF', '\u00AD', '\uE000', '\uD800', '\uDC00'];

    static Gen<string> PrintableNames =>
        Gen.Elements("laptop", "mouse", "Café", "東京", "naïve", "USB-C hub", "27\" monitor", "emoji 😀")
            .SelectMany(name => Gen.Choose(0, 3).Select(pad => new string(' ', pad) + name));

    [Property(MaxTest = 300)]
    public Property Quantity_is_accepted_exactly_from_1_to_100(int quantity) =>
        ((OrderRules.Check(new OrderRequest("laptop", quantity)) is null) == (quantity is >= 1 and <= OrderRules.MaxQuantity))
        .ToProperty().Label($"quantity {quantity}");

    [Property(MaxTest = 300)]
    public Property Any_hidden_character_anywhere_in_an_item_is_refused()
    {
        var cases = from name in PrintableNames
                    from hidden in Gen.Elements(Hidden)
                    from at in Gen.Choose(0, name.Length)
                    select name.Insert(at, hidden.ToString());
        return Prop.ForAll(cases.ToArbitrary(), item => OrderRules.Check(new OrderRequest(item, 1)) is not null);
    }

    [Property(MaxTest = 300)]
    public Property Printable_items_up_to_the_limit_are_accepted_and_longer_ones_refused()
    {
        var cases = from name in PrintableNames
                    from repeat in Gen.Choose(1, 30)
                    select string.Concat(Enumerable.Repeat(name, repeat));
        return Prop.ForAll(cases.ToArbitrary(), item =>
            (OrderRules.Check(new OrderRequest(item, 1)) is null) == (item.Length <= OrderRules.MaxItemLength));
    }

    [Property(MaxTest = 500)]
    public Property Item_is_accepted_only_if_every_character_is_visible_or_a_plain_space(NonNull<string> text)
    {
        // Single UTF-16 units only: lone surrogates are among the hidden characters above.
        var item = new string([.. text.Get.Where(c => !char.IsSurrogate(c))]);
        var accepted = OrderRules.Check(new OrderRequest(item, 1)) is null;
        var expected = item.Length <= OrderRules.MaxItemLength && item.Any(c => !char.IsWhiteSpace(c))
            && !item.Any(c => char.IsControl(c) || c != ' ' && char.IsWhiteSpace(c)
                || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                    or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator || c == '\uFFFD');
        return (accepted == expected).Label($"'{Escape(item)}' accepted {accepted}, expected {expected}");
    }

    [Property(MaxTest = 300)]
    public Property Ids_are_accepted_only_in_the_safe_alphabet(NonNull<string> text)
    {
        var id = text.Get;
        var order = new Order(id, "laptop", 1, Now.AddHours(-1));
        var safe = id.Length is >= 1 and <= OrderRules.MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        return ((OrderRules.Check(order, Now) is null) == safe).Label($"id '{Escape(id)}'");
    }

    [Property(MaxTest = 300)]
    public Property Timestamps_are_accepted_from_2020_to_a_few_minutes_ahead(int minutesFromNow)
    {
        var minutes = (long)minutesFromNow * 97;
        var at = Now.AddMinutes(minutes);
        var accepted = OrderRules.Check(new Order("o-1", "laptop", 1, at), Now) is null;
        return (accepted == (at >= OrderRules.EarliestTimestamp && at <= Now + OrderRules.MaxClockSkew)).Label($"{at:O}");
    }

    /// <summary>Any valid order written as JSON, with one of its keys repeated or recased, or one key added, has no reading.</summary>
    [Property(MaxTest = 200)]
    public Property A_body_with_a_repeated_recased_or_extra_key_does_not_deserialize()
    {
        var cases = from item in PrintableNames
                    from quantity in Gen.Choose(1, OrderRules.MaxQuantity)
                    from change in Gen.Elements("repeat", "recase", "extra", "string-number")
                    select (item, quantity, change);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var item = JsonSerializer.Serialize(c.item);
            var json = c.change switch
            {
                "repeat" => $$"""{"item":{{item}},"quantity":{{c.quantity}},"quantity":1}""",
                "recase" => $$"""{"item":{{item}},"Quantity":{{c.quantity}}}""",
                "extra" => $$"""{"item":{{item}},"quantity":{{c.quantity}},"discount":100}""",
                _ => $$"""{"item":{{item}},"quantity":"{{c.quantity}}"}""",
            };
            var plain = $$"""{"item":{{item}},"quantity":{{c.quantity}}}""";
            var good = JsonSerializer.Deserialize(plain, CloudMartJson.Default.OrderRequest);
            return (good == new OrderRequest(c.item, c.quantity) && Throws(json)).Label(json);
        });
    }

    static bool Throws(string json)
    {
        try
        {
            JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(json), CloudMartJson.Default.OrderRequest);
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    static string Escape(string text) => string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));
}
