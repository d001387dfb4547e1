package org.carehost.operators.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the lockout counts a source address under ({@link SourceLockout}): the address itself, written one way, and
 * its network: the /24 of an IPv4 address, the /48 of an IPv6 one. Only IP literals are read, never a name: nothing
 * here asks DNS.
 * <p>
 * <b>Why /48 for IPv6, not /64.</b> The network is the budget of every untracked address in it, so it must be no
 * smaller than what one party can send from. A provider gives one end site a /48 (RFC 6177, RIPE-690; some give a
 * /56), and whoever holds a /48 holds 65,536 /64s: counted per /64, it would get 65,536 budgets. Counted per /48, it
 * gets one, as a /24 does in IPv4. The price: while the table is full (only then are networks counted), the sites of
 * one provider that hands out /56s share a /48's budget (up to 256 of them), as the hosts of a /24 do; an address
 * with a row of its own is never decided by its network's row. Counting at both /64 and /48 would lock the same
 * /48 at the same point and only add a second row per failure, so one level it is.
 */
final class SourceNetworks {

    private static final int MAX_KEY = 100;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private SourceNetworks() {
    }

    /** The address's own key: an IP address in Java's one text form (no zone), anything else as given (cut short). */
    static String key(String address) {
        Optional<InetAddress> ip = ip(address);
        String key = ip.isPresent() ? ip.get().getHostAddress() : String.valueOf(address);
        return key.length() > MAX_KEY ? key.substring(0, MAX_KEY) : key;
    }

    /** The network the address is in, as {@code 203.0.113.0/24} or {@code 2001:db8:1:0:0:0:0:0/48}; empty if no IP. */
    static Optional<String> network(String address) {
        return ip(address).map(ip -> {
            byte[] bytes = ip.getAddress();
            int keep = ip instanceof Inet4Address ? 3 : 6;
            Arrays.fill(bytes, keep, bytes.length, (byte) 0);
            try {
                return InetAddress.getByAddress(bytes).getHostAddress() + "/" + keep * 8;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e); // cannot be: 4 or 16 bytes
            }
        });
    }

    /** Whether the address is a loopback one (127.0.0.0/8, ::1): a process on this machine. */
    static boolean loopback(String address) {
        return ip(address).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    /** The IP address the text is a literal of (IPv4, IPv6 with or without brackets and zone); empty otherwise. */
    static Optional<InetAddress> ip(String address) {
        if (address == null || address.isEmpty() || address.length() > 64) {
            return Optional.empty();
        }
        String text = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        if (IPV4.matcher(text).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = text.split("\\.");
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) part;
            }
            return Optional.of(byAddress(bytes));
        }
        if (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()) {
            try {
                // A literal with ':' is parsed, never looked up (InetAddress.getByName); ::ffff:a.b.c.d gives IPv4.
                return Optional.of(InetAddress.getByName(text));
            } catch (UnknownHostException notALiteral) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot be: 4 bytes
        }
    }
}
