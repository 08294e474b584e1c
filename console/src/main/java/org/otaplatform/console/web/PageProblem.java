package org.otaplatform.console.web;

import org.otaplatform.console.backend.Reply;

/** A service refused what a page needed, or could not be reached: the page says so instead of itself. */
public class PageProblem extends RuntimeException {

    private final int status;

    public PageProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static PageProblem of(Reply reply) {
        return new PageProblem(reply.status(), reply.detail());
    }

    public int status() {
        return status;
    }
}
