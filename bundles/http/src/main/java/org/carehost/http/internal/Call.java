package org.carehost.http.internal;

import org.carehost.operators.Operator;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** One API request as a handler sees it: who calls, the path parameters, the request and response. */
record Call(Operator operator, String[] parameters, HttpServletRequest request, HttpServletResponse response) {

    String parameter(int index) {
        return parameters[index];
    }
}
