using System.Net;
using System.Net.Sockets;

namespace DataForge.Core.Fetch;

/// <summary>
/// Which addresses a fetch may connect to. Refuses loopback, private (RFC 1918, RFC 4193), carrier-grade NAT
/// (RFC 6598), link-local (RFC 3927, RFC 4291), unspecified, multicast and broadcast addresses unless private
/// addresses are explicitly allowed, so a page cannot make the pipeline reach into the network it runs in (SSRF).
/// The check runs on the address actually connected to, after DNS, so DNS rebinding cannot slip past it.
/// </summary>
public static class AddressGuard
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 10
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] is >= 64 and <= 127)
                || b[0] == 0
                || b[0] >= 224);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC);
        }

        return false;
    }
}
