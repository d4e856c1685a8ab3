using System.Net;
using System.Text.RegularExpressions;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>Static SSR forms posted as a browser posts them: every hidden field (antiforgery, form name) plus ours.</summary>
internal static partial class Forms
{
    public static HttpClient Client(CommandCenterApp app, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

    /// <summary>GETs <paramref name="path"/>, then posts its form with <paramref name="fields"/>.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, IDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(path);
        var form = new Dictionary<string, string>(fields);
        foreach (Match hidden in Hidden().Matches(page))
        {
            form.TryAdd(hidden.Groups[1].Value, WebUtility.HtmlDecode(hidden.Groups[2].Value));
        }

        return await client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    /// <summary>Posts the sign-in form; a redirect means signed in, a 200 is the page again with its message.</summary>
    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password) =>
        PostAsync(client, "/signin", new Dictionary<string, string> { ["Form.UserName"] = userName, ["Form.Password"] = password });

    /// <summary>Posts the account page's password form.</summary>
    public static Task<HttpResponseMessage> ChangePasswordAsync(HttpClient client, string current, string next, string? repeat = null, string path = "/account") =>
        PostAsync(client, path, new Dictionary<string, string> { ["Form.Current"] = current, ["Form.New"] = next, ["Form.Repeat"] = repeat ?? next });

    /// <summary>The page's text as a person reads it: Blazor writes Chinese as character references.</summary>
    public static async Task<string> TextAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex Hidden();
}
