package org.carehost.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

import org.carehost.sdk.audit.Verification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chain is read a page at a time: tampering is found wherever it sits, across page boundaries included. */
class VerifierTest {

    private static final int RECORDS = 2 * Verifier.PAGE + 3;

    private Connection connection;

    @BeforeEach
    void chainOfThreePages() throws Exception {
        connection = DriverManager.getConnection("jdbc:h2:mem:verifier-" + System.nanoTime());
        AuditSchema.create(connection);
        AuditRows.insert(connection, TestRecords.chain(1, RECORDS, Chain.GENESIS));
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    @Test
    void anIntactChainOfSeveralPagesIsCheckedToItsEnd() throws Exception {
        Verification verification = Verifier.chain(connection);
        assertTrue(verification.intact(), verification.problem());
        assertEquals(RECORDS, verification.checked());
    }

    @Test
    void aRecordDeletedRightAfterAPageIsMissing() throws Exception {
        execute("DELETE FROM audit_record WHERE seq = " + (Verifier.PAGE + 1));
        Verification verification = Verifier.chain(connection);
        assertFalse(verification.intact());
        assertEquals(Verifier.PAGE + 1, verification.firstBadSequence(), verification.problem());
        assertTrue(verification.problem().contains("missing"), verification.problem());
    }

    @Test
    void aRecordChangedOnTheLastPageIsFound() throws Exception {
        execute("UPDATE audit_record SET resource_id = 'forged' WHERE seq = " + (2 * Verifier.PAGE + 2));
        Verification verification = Verifier.chain(connection);
        assertFalse(verification.intact());
        assertEquals(2 * Verifier.PAGE + 2, verification.firstBadSequence(), verification.problem());
        assertTrue(verification.problem().contains("changed"), verification.problem());
    }

    @Test
    void aCutOffLastPageStillVerifiesWhatRemains() throws Exception {
        execute("DELETE FROM audit_record WHERE seq > " + (2 * Verifier.PAGE));
        Verification verification = Verifier.chain(connection);
        assertTrue(verification.intact(), verification.problem()); // the chain alone: the checkpoints find a cut end
        assertEquals(2 * Verifier.PAGE, verification.checked());
    }

    private void execute(String sql) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }
}
