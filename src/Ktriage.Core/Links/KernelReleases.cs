using System.Globalization;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Links;

/// <summary>
/// Which commits a reported kernel can contain, from its version string ("5.7.0-rc2-syzkaller",
/// "6.1.0-rc3-next-20221104", "5.10.0+") and the mainline release dates: a kernel calling itself X.Y-rcN was built
/// before X.Y-rc(N+1) was tagged (rc1 two weeks after X.Y−1, then weekly), X.Y.0 before X.Y+1-rc1, a linux-next
/// build on its date. Dates are when mainline tagged a release, so a commit posted after the cut-off (plus a week
/// of slack for maintainer trees still based on an older tag) cannot be in it. Stable kernels (X.Y.Z, Z &gt; 0) carry
/// backports from later releases, so their version bounds nothing.
/// </summary>
public static partial class KernelReleases
{
    /// <summary>Mainline release dates (kernel.org tags), v3.0 onwards.</summary>
    static readonly (int Major, int Minor, string Date)[] Releases =
    [
        (3, 0, "2011-07-21"), (3, 1, "2011-10-24"), (3, 2, "2012-01-04"), (3, 3, "2012-03-18"), (3, 4, "2012-05-20"),
        (3, 5, "2012-07-21"), (3, 6, "2012-09-30"), (3, 7, "2012-12-10"), (3, 8, "2013-02-18"), (3, 9, "2013-04-28"),
        (3, 10, "2013-06-30"), (3, 11, "2013-09-02"), (3, 12, "2013-11-03"), (3, 13, "2014-01-19"), (3, 14, "2014-03-30"),
        (3, 15, "2014-06-08"), (3, 16, "2014-08-03"), (3, 17, "2014-10-05"), (3, 18, "2014-12-07"), (3, 19, "2015-02-08"),
        (4, 0, "2015-04-12"), (4, 1, "2015-06-22"), (4, 2, "2015-08-30"), (4, 3, "2015-11-01"), (4, 4, "2016-01-10"),
        (4, 5, "2016-03-14"), (4, 6, "2016-05-15"), (4, 7, "2016-07-24"), (4, 8, "2016-10-02"), (4, 9, "2016-12-11"),
        (4, 10, "2017-02-19"), (4, 11, "2017-04-30"), (4, 12, "2017-07-02"), (4, 13, "2017-09-03"), (4, 14, "2017-11-12"),
        (4, 15, "2018-01-28"), (4, 16, "2018-04-01"), (4, 17, "2018-06-03"), (4, 18, "2018-08-12"), (4, 19, "2018-10-22"),
        (4, 20, "2018-12-23"), (5, 0, "2019-03-03"), (5, 1, "2019-05-05"), (5, 2, "2019-07-07"), (5, 3, "2019-09-15"),
        (5, 4, "2019-11-24"), (5, 5, "2020-01-26"), (5, 6, "2020-03-29"), (5, 7, "2020-05-31"), (5, 8, "2020-08-02"),
        (5, 9, "2020-10-11"), (5, 10, "2020-12-13"), (5, 11, "2021-02-14"), (5, 12, "2021-04-25"), (5, 13, "2021-06-27"),
        (5, 14, "2021-08-29"), (5, 15, "2021-10-31"), (5, 16, "2022-01-09"), (5, 17, "2022-03-20"), (5, 18, "2022-05-22"),
        (5, 19, "2022-07-31"), (6, 0, "2022-10-02"), (6, 1, "2022-12-11"), (6, 2, "2023-02-19"), (6, 3, "2023-04-23"),
        (6, 4, "2023-06-25"), (6, 5, "2023-08-27"), (6, 6, "2023-10-30"), (6, 7, "2024-01-07"), (6, 8, "2024-03-10"),
        (6, 9, "2024-05-12"), (6, 10, "2024-07-14"), (6, 11, "2024-09-15"), (6, 12, "2024-11-17"), (6, 13, "2025-01-20"),
        (6, 14, "2025-03-24"), (6, 15, "2025-05-25"), (6, 16, "2025-07-27"), (6, 17, "2025-09-28"),
    ];

    const int MergeWindowDays = 14;
    public const int SlackDays = 7;

    /// <summary>The version as people say it ("5.18", "5.7-rc2", "next-20201117") and the date after which a
    /// commit cannot be in it (slack included), or null when the version says nothing (unknown, stable, too old/new).</summary>
    public static (string Label, DateTimeOffset CutOff)? CutOff(string? version)
    {
        if (version is null || Version().Match(version) is not { Success: true } m) return null;
        int major = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), minor = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var label = $"{major}.{minor}";
        if (m.Groups["next"].Success
            && DateTimeOffset.TryParseExact(m.Groups["next"].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var next))
            return ($"next-{m.Groups["next"].Value}", next.AddDays(SlackDays));
        if (m.Groups[3].Success && m.Groups[3].Value != "0") return null; // stable: backports
        var index = Array.FindIndex(Releases, r => r.Major == major && r.Minor == minor);
        if (m.Groups["rc"].Success)
        {
            // X.Y-rcN: X.Y−1 released, rc1 after the merge window, weekly rcs; built before rc(N+1).
            if (index <= 0) return null;
            var rc = int.Parse(m.Groups["rc"].Value, CultureInfo.InvariantCulture);
            return ($"{label}-rc{rc}", Date(index - 1).AddDays(MergeWindowDays + 7 * rc + SlackDays));
        }
        if (index < 0) return null;
        return (label, Date(index).AddDays(MergeWindowDays + SlackDays));
    }

    static DateTimeOffset Date(int index) =>
        DateTimeOffset.ParseExact(Releases[index].Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [GeneratedRegex(@"^(\d+)\.(\d+)(?:\.(\d+))?(?:-rc(?<rc>\d+))?(?:.*?next-(?<next>\d{8}))?", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex Version();
}
