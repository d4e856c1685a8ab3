using CommandCenter.Core;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Access;

/// <summary>Which administrative audit entries to read: one page of them, newest first.</summary>
/// <param name="From">The first day (city calendar), inclusive.</param>
/// <param name="To">The last day (city calendar), inclusive.</param>
public sealed record AuditQuery(AuditSubject? Subject = null, string? Actor = null, DateOnly? From = null, DateOnly? To = null, int Page = 1, int PageSize = 50);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// The administrative part of the audit trail (users, API keys, teams, policy and division versions), filtered and
/// paged by the store. A city admin reads all of it; an admin below the city reads the entries about the users bound
/// inside their subtree now (by user name), and nothing else: keys, teams, policies and divisions are city matters.
/// </summary>
public sealed class AuditLog(IDbContextFactory<CommandCenterDbContext> contexts, UserAdministration users, AdminNodes nodes)
{
    public const int MaxPageSize = 200;

    public static readonly IReadOnlyList<AuditSubject> Subjects =
        [AuditSubject.User, AuditSubject.ApiKey, AuditSubject.Team, AuditSubject.Policy, AuditSubject.Division, AuditSubject.DutyRoster,
        AuditSubject.NotificationDelivery];

    public async Task<AuditPage> ReadAsync(AuditQuery query, Administrator by, CancellationToken ct = default)
    {
        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = Math.Max(1, query.Page);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var entries = db.AuditEntries.AsNoTracking().Where(a =>
            a.Subject == AuditSubject.User || a.Subject == AuditSubject.ApiKey || a.Subject == AuditSubject.Team
            || a.Subject == AuditSubject.Policy || a.Subject == AuditSubject.Division || a.Subject == AuditSubject.DutyRoster
            || a.Subject == AuditSubject.NotificationDelivery);
        if (by.NodeCode is not null && !nodes.IsCity(by.NodeCode))
        {
            var accounts = await db.Users.AsNoTracking().Select(u => new { u.UserName, u.NodeCode }).ToListAsync(ct);
            var mine = accounts.Where(u => u.UserName is not null && users.Covers(by, u.NodeCode)).Select(u => u.UserName!).ToList();
            entries = entries.Where(a => a.Subject == AuditSubject.User && mine.Contains(a.SubjectId));
        }

        if (query.Subject is { } subject)
        {
            entries = entries.Where(a => a.Subject == subject);
        }

        if (query.Actor?.Trim() is { Length: > 0 } actor)
        {
            entries = entries.Where(a => a.Actor.Contains(actor) || (a.Seat != null && a.Seat.Contains(actor)));
        }

        if (query.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), CityClock.Offset);
            entries = entries.Where(a => a.At >= start);
        }

        if (query.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), CityClock.Offset);
            entries = entries.Where(a => a.At < end);
        }

        var total = await entries.CountAsync(ct);
        var rows = await entries.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new AuditPage(rows, total, page, size);
    }
}
