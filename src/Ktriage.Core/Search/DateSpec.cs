using System.Globalization;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Search;

/// <summary>
/// d: values the way public-inbox reads them: YYYY-MM-DD / YYYYMMDD (whole days), a time of day, and the subset of
/// git's "approxidate" people type: now, today, yesterday, N.unit.ago, N.units, last.unit (unit: second … year).
/// Hand-written: approxidate is git's C code and no .NET library implements it.
/// </summary>
public static partial class DateSpec
{
    /// <summary>The range one d: value means: <c>A..B</c>, <c>A..</c>, <c>..B</c> or a single date (that day; a
    /// relative single value means "since then"). End dates given as days include that whole day.</summary>
    public static DateNode ParseRange(string value, DateTimeOffset now)
    {
        var dots = value.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
        {
            var (start, wholeDay) = Parse(value, now);
            return new DateNode(start, wholeDay ? start.AddDays(1) : null);
        }
        var a = value[..dots];
        var b = value[(dots + 2)..];
        if (a.Length == 0 && b.Length == 0) throw new SearchSyntaxException($"d:{value}: give a start or an end date (d:2023-01-01..2023-02-01, d:last.week..)");
        DateTimeOffset? from = a.Length == 0 ? null : Parse(a, now).At;
        DateTimeOffset? to = null;
        if (b.Length > 0)
        {
            var (end, wholeDay) = Parse(b, now);
            to = wholeDay ? end.AddDays(1) : end;
        }
        if (from is { } f && to is { } t && t <= f) throw new SearchSyntaxException($"d:{value}: the range ends before it starts");
        return new DateNode(from, to);
    }

    /// <summary>One date; <c>WholeDay</c> when it names a day rather than a moment.</summary>
    static (DateTimeOffset At, bool WholeDay) Parse(string s, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var t = s.Trim().ToLowerInvariant();
        if (Day().Match(t) is { Success: true } d)
        {
            var time = d.Groups["h"].Success
                ? new TimeSpan(Int(d.Groups["h"].Value), Int(d.Groups["mi"].Value), d.Groups["s"].Success ? Int(d.Groups["s"].Value) : 0)
                : TimeSpan.Zero;
            if (!DateTime.TryParseExact($"{d.Groups["y"].Value}-{d.Groups["mo"].Value}-{d.Groups["d"].Value}", "yyyy-MM-dd",
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) || time >= TimeSpan.FromDays(1))
                throw new SearchSyntaxException($"d:{s}: not a valid date");
            return (new DateTimeOffset(day + time, TimeSpan.Zero), !d.Groups["h"].Success);
        }
        switch (t)
        {
            case "now": return (utc, false);
            case "today": return (new DateTimeOffset(utc.UtcDateTime.Date, TimeSpan.Zero), true);
            case "yesterday": return (new DateTimeOffset(utc.UtcDateTime.Date.AddDays(-1), TimeSpan.Zero), true);
        }
        if (Relative().Match(t) is { Success: true } r)
        {
            var n = r.Groups["last"].Success ? 1 : r.Groups["n"].Success ? Int(r.Groups["n"].Value) : 1;
            return (r.Groups["unit"].Value switch
            {
                "second" => utc.AddSeconds(-n),
                "minute" => utc.AddMinutes(-n),
                "hour" => utc.AddHours(-n),
                "day" => utc.AddDays(-n),
                "week" => utc.AddDays(-7 * n),
                "month" => utc.AddMonths(-n),
                _ => utc.AddYears(-n),
            }, false);
        }
        throw new SearchSyntaxException($"d:{s}: not a date (use YYYY-MM-DD, YYYYMMDD, now, today, yesterday, last.week, 2.weeks.ago)");
    }

    static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<y>\d{4})-?(?<mo>\d{2})-?(?<d>\d{2})(?:[t ._-]?(?<h>\d{2}):?(?<mi>\d{2})(?::?(?<s>\d{2}))?)?$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex Day();

    // "2.weeks.ago", "2.weeks", "2 weeks ago", "last.week", "week.ago"
    [GeneratedRegex(@"^(?:(?<last>last)[. ]|(?<n>\d{1,6})[. ]?)?(?<unit>second|minute|hour|day|week|month|year)s?(?:[. ]ago)?$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex Relative();
}
