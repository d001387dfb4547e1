package org.carehost.operators.internal;

import java.sql.SQLException;
import java.util.Map;

import org.carehost.crypto.CipherException;
import org.carehost.crypto.PhiCipher;
import org.carehost.crypto.SealedValues;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Keeps every stored TOTP secret sealed under the current data key: seals secrets stored in clear by earlier versions
 * when it starts, and is re-sealed by the key rotation (as a {@link SealedValues}), so that a rotation never retires
 * the key a second factor is sealed under. Each secret is replaced by a compare-and-set, so a re-enrolment meanwhile
 * wins.
 */
@Component(service = SealedValues.class, immediate = true)
public final class SealedTotpSecrets implements SealedValues {

    private final AccountStore accounts;
    private final TotpSeal seal;
    private final Logger log;

    @Activate
    public SealedTotpSecrets(@Reference Store store, @Reference PhiCipher cipher,
            @Reference(service = LoggerFactory.class) Logger log) {
        this.seal = new TotpSeal(cipher);
        this.accounts = new AccountStore(store, seal);
        this.log = log;
        int sealed = reseal(Integer.MAX_VALUE);
        if (sealed > 0) {
            log.info("Sealed {} TOTP secrets under data key {}", sealed, cipher.currentKeyId());
        }
    }

    @Override
    public int reseal(int batch) {
        int done = 0;
        try {
            for (Map.Entry<String, String> secret : accounts.totpSecrets().entrySet()) {
                if (done >= batch) {
                    break;
                }
                if (seal.isCurrent(secret.getValue())) {
                    continue;
                }
                String account = secret.getKey();
                try {
                    String again = seal.seal(account, seal.open(account, secret.getValue()));
                    if (accounts.replaceTotpSecret(account, secret.getValue(), again)) {
                        done++;
                    }
                } catch (CipherException e) {
                    log.error("The TOTP secret of '{}' does not open under the keys held ({}); it stays as it is and "
                            + "that account's second factor fails until an admin runs user:totp {}", account,
                            e.getMessage(), account);
                }
            }
        } catch (SQLException e) {
            throw OperatorAccountsImpl.storeFailed(e);
        }
        return done;
    }

    @Override
    public long staleCount() {
        try {
            // A secret that does not open is not counted: re-sealing cannot help it, and it must not hold up a rotation.
            return accounts.totpSecrets().entrySet().stream().filter(e -> !seal.isCurrent(e.getValue()) && opens(e))
                    .count();
        } catch (SQLException e) {
            throw OperatorAccountsImpl.storeFailed(e);
        }
    }

    private boolean opens(Map.Entry<String, String> secret) {
        try {
            seal.open(secret.getKey(), secret.getValue());
            return true;
        } catch (CipherException e) {
            return false;
        }
    }
}
