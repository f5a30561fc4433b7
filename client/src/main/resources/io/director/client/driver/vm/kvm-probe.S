/* KVM probe ROM: real mode -> protected mode -> long mode with paging, then writes 1 to the
   isa-debug-exit port 0xf4 (QEMU exits with status 3). Mapped at 0xF0000; reset vector at 0xFFF0. */
        .code16
start:  cli
        lgdtl %cs:gdt_desc
        movl %cr0, %eax
        orl $1, %eax
        movl %eax, %cr0
        ljmpl $0x08, $(0xF0000 + pm32)
        .code32
pm32:   movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movl $0x1000, %edi
        xorl %eax, %eax
        movl $0xC00, %ecx
        rep stosl
        movl $0x2003, 0x1000
        movl $0x3003, 0x2000
        movl $0x83, 0x3000
        movl $0x1000, %eax
        movl %eax, %cr3
        movl %cr4, %eax
        orl $0x20, %eax
        movl %eax, %cr4
        movl $0xC0000080, %ecx
        rdmsr
        orl $0x100, %eax
        wrmsr
        movl %cr0, %eax
        orl $0x80000000, %eax
        movl %eax, %cr0
        ljmp $0x18, $(0xF0000 + lm64)
        .code64
lm64:   movb $1, %al
        outb %al, $0xf4
1:      hlt
        jmp 1b
        .p2align 3
gdt:    .quad 0
        .quad 0x00CF9A000000FFFF
        .quad 0x00CF92000000FFFF
        .quad 0x00AF9A000000FFFF
gdt_desc:
        .word 31
        .long 0xF0000 + gdt
