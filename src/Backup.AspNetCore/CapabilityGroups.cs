using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Backup.AspNetCore;

/// <summary>
/// The routes of one capability (read, back up, restore, ...) as a group under its policy: its own,
/// else the fallback policy, else the host's default policy; none where anonymous access is the
/// host's deliberate choice. The REST API and the dashboard apply the same rule.
/// </summary>
internal static class CapabilityGroups
{
    public static RouteGroupBuilder Under(RouteGroupBuilder parent, bool allowAnonymous, string? policy, string? fallback)
    {
        var group = parent.MapGroup("");
        if (!allowAnonymous)
        {
            _ = (policy ?? fallback) is { } name ? group.RequireAuthorization(name) : group.RequireAuthorization();
        }
        return group;
    }
}
