using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ktriage.Web;

/// <summary>Path segments decoded one by one from the raw request target. The server's decoded path keeps %2F but
/// decodes %25, so "a%252Fb" and "a%2Fb" would look alike there; Message-IDs may contain both '/' and '%'.</summary>
internal static class RawPath
{
    static string Target(HttpContext ctx)
    {
        var raw = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/') raw = ctx.Request.PathBase + ctx.Request.Path.ToUriComponent();
        var q = raw.IndexOf('?');
        return q < 0 ? raw : raw[..q];
    }

    /// <summary>The decoded non-empty segments, or null when one is not valid percent-encoded UTF-8.</summary>
    public static List<string>? Segments(HttpContext ctx, int skip = 0)
    {
        var result = new List<string>();
        foreach (var part in Target(ctx).Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(skip))
        {
            string decoded;
            try { decoded = Uri.UnescapeDataString(part); }
            catch (UriFormatException) { return null; }
            // Invalid UTF-8 escapes decode to U+FFFD: no stored id contains one that way, so any answer would be a guess.
            if (decoded.Contains('\uFFFD') && !part.Contains('\uFFFD')) return null;
            result.Add(decoded);
        }
        return result;
    }

    public static bool EndsWithSlash(HttpContext ctx) => Target(ctx).EndsWith('/');
}

/// <summary>Headers sent with every response: mail is hostile, so pages run no script and load nothing from elsewhere.</summary>
internal static class SecurityHeaders
{
    public const string Policy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static void Apply(HttpResponse r)
    {
        var h = r.Headers;
        h.ContentSecurityPolicy = Policy;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h["Cross-Origin-Opener-Policy"] = "same-origin";
        h["Cross-Origin-Resource-Policy"] = "same-origin";
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()";
    }
}
